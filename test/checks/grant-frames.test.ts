import { runFixtures } from './fixtures.js';

runFixtures('grant-frames');
