import { runFixtures } from './fixtures.js';

runFixtures('passthrough');
