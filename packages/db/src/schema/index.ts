export * from './tenant-table';
export * from './identity.table';
export * from './training.table';
export * from './community.table';
export * from './scheduling.table';
export * from './media.table';
export * from './notifications.table';
export * from './platform.table';
