import type { Catalog } from '../catalog';

/** Страница коннекторов. */
export const connectors = {
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
} satisfies Catalog;
