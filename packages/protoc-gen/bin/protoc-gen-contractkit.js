#!/usr/bin/env node
// The protoc plugin. A committed file (not dist/), so npm can link it at install time.
import "../dist/bin.js";
