import { isProtoInputError, type ProtoInput } from "@contractkit/compat/internal";
import { isContractDefinitionError, isPluginOptionsError } from "@contractkit/protoc-gen";
import { CliError, isCliError } from "../cli-error.js";

/**
 * Maps the pipeline's failures to CLI errors: every bad-input case exits 2, and every
 * diagnostic names the user's own file as `file:line:col: message`.
 */
export function toCliError(err: unknown, input?: Pick<ProtoInput, "userPathOf">): CliError {
  if (isCliError(err)) return err;
  if (isProtoInputError(err)) return new CliError(err.code, err.format(), 2, { cause: err });
  if (isContractDefinitionError(err)) {
    const lines = err.diagnostics.map(
      (d) =>
        `${input ? input.userPathOf(d.file) : d.file}:${d.line}:${d.column}: ${d.message} [${d.code}]`,
    );
    return new CliError(
      "CK_CONTRACT_INVALID",
      `${lines.length} contract problem(s):\n${lines.join("\n")}`,
      2,
      { cause: err },
    );
  }
  if (isPluginOptionsError(err))
    return new CliError("CK_PLUGIN_OPTION", err.message, 2, { cause: err });
  throw err;
}
