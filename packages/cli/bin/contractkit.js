#!/usr/bin/env node
// The `contractkit` command. A committed file (not dist/), so npm can link it at install
// time, before the build has written dist/.
import "../dist/bin.js";
