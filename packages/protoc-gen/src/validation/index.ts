// The buf.validate rules → zod compiler. The plugin's zod emitter calls these per
// field, per message and per message type (see compile-rules.ts).
export {
  type CompiledRules,
  compileExtraRules,
  compileFieldRules,
  compileMessageRules,
  type RuleImport,
  type RulesContext,
  runtimeRules,
  tsProtoKey,
} from "./compile-rules.js";
export { validationHooks } from "./plugin-hooks.js";
export { type Re2Translation, translateRe2 } from "./re2-to-js.js";
export { RuleCompileError } from "./value-rules.js";
