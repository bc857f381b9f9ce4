import type { Catalog } from './en';

/** Русский каталог сообщений (основной язык интерфейса). */
export const ru = {
  app: {
    name: 'Hub Connect',
    tagline: 'Данные CRM для сквозной аналитики',
    skipToContent: 'Перейти к содержимому',
    language: 'Язык',
  },
  nav: {
    main: 'Основная навигация',
    connectors: 'Коннекторы',
  },
  connectors: {
    title: 'Коннекторы',
    intro: 'Подключите CRM, чтобы сервис аналитики правильно загружал сделки, этапы воронки и поля.',
    loading: 'Загружаем коннекторы…',
    loadError: 'Не удалось загрузить коннекторы.',
    retry: 'Повторить',
    state: {
      available: 'Не подключено',
      draft: 'Настройка не завершена',
      connected: 'Подключено',
      attention: 'Требует внимания',
    },
    comingSoon: 'Скоро',
    connect: 'Подключить',
    account: 'Аккаунт: {{name}}',
  },
  errors: {
    network_error: 'Нет связи с сервером. Проверьте сеть и повторите.',
    generic: 'Что-то пошло не так. Повторите попытку.',
  },
} satisfies Catalog;
