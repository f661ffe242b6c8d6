import { runFixtures } from './fixtures.js';

runFixtures('scheduler');
