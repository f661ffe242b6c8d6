import { runFixtures } from './fixtures.js';

runFixtures('config-readability');
