import { runFixtures } from './fixtures.js';

runFixtures('xend-removed');
