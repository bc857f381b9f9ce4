/**
 * The interface texts the responsive browser tests click and wait for, in both languages.
 * (Browser tests import nothing from app/ but app/contracts, so the message catalogues are not
 * imported; these few strings are the user's view of them, and a renamed button fails here
 * just as it would confuse a user.) The sandbox amoCRM's consent page is always English.
 */
export type Lang = 'ru' | 'en';

export const LANGS: readonly Lang[] = ['ru', 'en'];

/** The browser locale that makes the product choose the language. */
export const LOCALE: Record<Lang, string> = { ru: 'ru-RU', en: 'en-US' };

export interface Texts {
  connectorsTitle: string;
  connect: string;
  connectDialog: string;
  notConnected: string;
  connected: string;
  connectorActions: string;
  edit: string;
  authErrorTitle: string;
  cameBack: string;
  continueToCrm: string;
  tryAgain: string;
  filterTitle: string;
  addCondition: (name: string) => string;
  condition: (index: number, name: string) => string;
  value: string;
  comparison: string;
  saved: string;
  statusesTab: string;
  fieldsTab: string;
  unmapped: string;
  otherFields: string;
  addToOther: (name: string) => string;
  moveTo: (name: string) => string;
  addContainer: string;
  containerName: string;
  onePerStatus: string;
  acceptCompleted: (container: string) => string;
  acceptRefusal: (container: string) => string;
  calculationTitle: string;
  dealAmount: string;
  addCalculated: (name: string) => string;
  calculatedField: (index: number) => string;
  calculatedFieldNamed: (index: number, name: string) => string;
  name: string;
  expression: string;
  expressionValid: RegExp;
  preview: string;
  back: string;
  next: string;
  skip: string;
  leaveTitle: string;
  doneTitle: string;
  toConnectors: string;
  /** RetailCRM's API-key form. */
  apiKey: { dialog: string; sandbox: string; address: string; key: string; submit: string; wrongKey: RegExp };
  /** Names a user would type: two grouping containers and a calculated field. */
  typed: { firstContainer: string; secondContainer: string; calculated: string; filterValue: string };
}

export const TEXT: Record<Lang, Texts> = {
  en: {
    connectorsTitle: 'Connectors',
    connect: 'Connect',
    connectDialog: 'Connect amoCRM?',
    notConnected: 'Not connected',
    connected: 'Connected',
    connectorActions: 'Connector actions',
    edit: 'Edit',
    authErrorTitle: 'Authorization did not complete',
    cameBack: 'You came back before allowing access in amoCRM.',
    continueToCrm: 'Continue to amoCRM',
    tryAgain: 'Try again',
    filterTitle: 'Data filtering',
    addCondition: (name) => `Add ${name} as a condition`,
    condition: (index, name) => `Condition ${index}: ${name}`,
    value: 'Value',
    comparison: 'Comparison',
    saved: 'All changes saved',
    statusesTab: 'Statuses',
    fieldsTab: 'Custom fields',
    unmapped: 'Unmapped statuses',
    otherFields: 'Other fields',
    addToOther: (name) => `Add ${name} to Other fields`,
    moveTo: (name) => `Move ${name} to…`,
    addContainer: 'Add container',
    containerName: 'Container name',
    onePerStatus: 'One container per status',
    acceptCompleted: (container) => `Accept Completed deal for ${container}`,
    acceptRefusal: (container) => `Accept Refusal for ${container}`,
    calculationTitle: 'Calculation',
    dealAmount: 'Deal amount',
    addCalculated: (name) => `Add ${name} as a new calculated field`,
    calculatedField: (index) => `Calculated field ${index}`,
    calculatedFieldNamed: (index, name) => `Calculated field ${index}: ${name}`,
    name: 'Name',
    expression: 'Expression',
    expressionValid: /The expression is valid\./,
    preview: 'Preview on sample deals from amoCRM',
    back: 'Back',
    next: 'Next',
    skip: 'Skip',
    leaveTitle: 'Leave without saving?',
    doneTitle: 'Congratulations — amoCRM is connected.',
    toConnectors: 'Go to Connectors',
    apiKey: {
      dialog: 'Connect RetailCRM?',
      sandbox: 'Sandbox credentials',
      address: 'Account address',
      key: 'API key',
      submit: 'Check and connect',
      wrongKey: /RetailCRM does not accept this key/,
    },
    typed: { firstContainer: 'Application', secondContainer: 'In work', calculated: 'Margin', filterValue: 'site-42' },
  },
  ru: {
    connectorsTitle: 'Коннекторы',
    connect: 'Подключить',
    connectDialog: 'Подключить amoCRM?',
    notConnected: 'Не подключено',
    connected: 'Подключено',
    connectorActions: 'Действия с коннектором',
    edit: 'Редактировать',
    authErrorTitle: 'Авторизация не завершена',
    cameBack: 'Вы вернулись, не разрешив доступ в amoCRM.',
    continueToCrm: 'Перейти в amoCRM',
    tryAgain: 'Повторить',
    filterTitle: 'Фильтрация данных',
    addCondition: (name) => `Добавить ${name} в условия`,
    condition: (index, name) => `Условие ${index}: ${name}`,
    value: 'Значение',
    comparison: 'Сравнение',
    saved: 'Все изменения сохранены',
    statusesTab: 'Статусы',
    fieldsTab: 'Кастомные поля',
    unmapped: 'Статусы без контейнера',
    otherFields: 'Остальные поля',
    addToOther: (name) => `Добавить ${name} в «Остальные поля»`,
    moveTo: (name) => `Переместить ${name} в…`,
    addContainer: 'Добавить контейнер',
    containerName: 'Название контейнера',
    onePerStatus: 'Контейнер на каждый статус',
    acceptCompleted: (container) => `Принять маркер «Завершённая сделка» для ${container}`,
    acceptRefusal: (container) => `Принять маркер «Отказ» для ${container}`,
    calculationTitle: 'Калькуляция',
    dealAmount: 'Сумма сделки',
    addCalculated: (name) => `Добавить ${name} как новое вычисляемое поле`,
    calculatedField: (index) => `Вычисляемое поле ${index}`,
    calculatedFieldNamed: (index, name) => `Вычисляемое поле ${index}: ${name}`,
    name: 'Название',
    expression: 'Выражение',
    expressionValid: /Выражение корректно\./,
    preview: 'Предпросмотр на сделках из amoCRM',
    back: 'Назад',
    next: 'Далее',
    skip: 'Пропустить',
    leaveTitle: 'Уйти без сохранения?',
    doneTitle: 'Поздравляем — amoCRM подключён.',
    toConnectors: 'К коннекторам',
    apiKey: {
      dialog: 'Подключить RetailCRM?',
      sandbox: 'Данные песочницы',
      address: 'Адрес аккаунта',
      key: 'API-ключ',
      submit: 'Проверить и подключить',
      wrongKey: /RetailCRM не принимает этот ключ/,
    },
    typed: { firstContainer: 'Заявка', secondContainer: 'В работе', calculated: 'Прибыль', filterValue: 'site-42' },
  },
};

/** Cut at the 100-character limit of typed names, as the input would. */
const cut = (text: string) => text.slice(0, 100).trimEnd();

/**
 * The longest names a user can type (containers and calculated fields allow 100 characters),
 * for the long-names account: realistic words, cut at the limit.
 */
export const LONG_TYPED: Record<Lang, Texts['typed']> = {
  en: {
    firstContainer: cut('Incoming applications from the website, partners, trade shows and cold calls awaiting qualification by the sales team'),
    secondContainer: cut('Commercial proposal, technical specification and contract negotiation with the customer’s lawyers and security officers'),
    calculated: cut('Gross margin after the vendor’s purchase price, logistics, customs duties and partner commissions for the quarter'),
    filterValue: 'https://example.ru/landing/corporate-licences/spring-campaign-2025/utm_source=yandex&utm_medium=cpc&utm_campaign=brand',
  },
  ru: {
    firstContainer: cut('Входящие заявки с сайта, от партнёров, с отраслевых выставок и холодных звонков, ожидающие квалификации менеджером'),
    secondContainer: cut('Согласование коммерческого предложения, технического задания и договора с юристами и службой безопасности заказчика'),
    calculated: cut('Валовая прибыль за вычетом закупочной цены у вендора, логистики, таможенных платежей и вознаграждения партнёров'),
    filterValue: 'https://example.ru/landing/korporativnye-licenzii/vesennyaya-kampaniya-2025/utm_source=yandex&utm_medium=cpc&utm_campaign=brand',
  },
};
