// Entry of the background index build: a child process, so that training and filling a large index never block
// the searches of the serving process. TypeScript through tsx's loader, as everywhere in the project.
import { register } from 'tsx/esm/api';

register();
await import('./build-worker.ts');
