import type { Catalog } from '../catalog';

/** Русский каталог сообщений (основной язык интерфейса). */
export const common = {
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
  errors: {
    network_error: 'Нет связи с сервером. Проверьте сеть и повторите.',
    generic: 'Что-то пошло не так. Повторите попытку.',
  },
} satisfies Catalog;
