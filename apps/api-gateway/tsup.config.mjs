import { serviceBundle } from '../../infra/build/tsup-service.mjs';

export default serviceBundle({ appDir: import.meta.dirname, entry: { main: 'src/main.ts' } });
