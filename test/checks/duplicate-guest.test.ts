import { runFixtures } from './fixtures.js';

runFixtures('duplicate-guest');
