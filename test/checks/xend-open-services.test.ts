import { runFixtures } from './fixtures.js';

runFixtures('xend-open-services');
