#!/usr/bin/env node
import { runNodeJs } from "@bufbuild/protoplugin";
import { protocGenContractKit } from "./plugin.js";

runNodeJs(protocGenContractKit);
