// Root postinstall: marks node_modules as matching the manifests, so the launchers skip a second install.
import { recordDependencies } from './lib/deps.mjs';
import { ROOT } from './lib/platform.mjs';

recordDependencies(ROOT);
