import { runFixtures } from './fixtures.js';

runFixtures('vbd-size-limit');
