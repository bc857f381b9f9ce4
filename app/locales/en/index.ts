export { authorize } from './authorize';
export { calculation } from './calculation';
export { common } from './common';
export { connectors } from './connectors';
export { filters } from './filters';
export { funnel } from './funnel';
export { mapping } from './mapping';
export { wizard } from './wizard';
