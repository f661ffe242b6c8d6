import { runFixtures } from './fixtures.js';

runFixtures('pv32');
