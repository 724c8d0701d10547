import { serviceBundle } from '../../infra/build/tsup-service.mjs';

// The migration command, for the compose migrate service and the Kubernetes Job:
// migrate.ts finds the SQL files at ../migrations from its own folder, which dist/ keeps true.
export default serviceBundle({ appDir: import.meta.dirname, entry: { 'migrate-cli': 'src/migrate-cli.ts' } });
