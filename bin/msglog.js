#!/usr/bin/env node
require('../server/out/msglog.js');
