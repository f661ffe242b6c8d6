import { runFixtures } from './fixtures.js';

runFixtures('memory-fit');
