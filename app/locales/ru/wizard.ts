import type { Catalog } from '../catalog';

/** Оболочка мастера: шаги, навигация, сохранение. */
export const wizard = {
  title: 'Подключение {{name}}',
  account: 'Аккаунт: {{name}} ({{domain}})',
  loading: 'Загружаем настройки…',
  stepsLabel: 'Шаги настройки',
  steps: {
    authorize: 'Авторизация',
    filter: 'Фильтрация',
    mapping: 'Сопоставление',
    calculation: 'Калькуляция',
    done: 'Готово',
  },
  stepStatus: {
    done: 'выполнен',
    todo: 'не выполнен',
    optional: 'необязательный',
    locked: 'доступен после авторизации',
  },
  back: 'Назад',
  next: 'Далее',
  skip: 'Пропустить',
  retry: 'Повторить',
  saving: 'Сохраняем…',
  saved: 'Все изменения сохранены',
  unsaved: {
    title: 'Уйти без сохранения?',
    stay: 'Остаться',
    leave: 'Уйти',
    saveFailed: 'Последние изменения не удалось сохранить. Если уйти сейчас, они пропадут.',
  },
} satisfies Catalog;
