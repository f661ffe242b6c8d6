import { runFixtures } from './fixtures.js';

runFixtures('shared-writable-disk');
