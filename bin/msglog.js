#!/usr/bin/env node
require('../server/out/launch.js').launch();
