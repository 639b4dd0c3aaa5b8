import { create, createFileRegistry, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  contractFileName,
  tsMethodName,
  tsPropertyName,
  tsProtoCamel,
  tsTypeName,
} from "./ts-proto-names.js";

const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: "acme/v1/names.proto",
    package: "acme.v1",
    syntax: "proto3",
    messageType: [
      {
        name: "Outer",
        field: [{ name: "user_ID", number: 1, type: 9, label: 1, jsonName: "userID" }],
        nestedType: [{ name: "inner_part" }],
      },
      { name: "Date" },
    ],
    service: [
      {
        name: "Svc",
        method: [
          { name: "GetAPIValue", inputType: ".acme.v1.Date", outputType: ".acme.v1.Date" },
          { name: "Place2Order", inputType: ".acme.v1.Date", outputType: ".acme.v1.Date" },
        ],
      },
    ],
  }),
  () => undefined,
);

const message = (name: string) => registry.getMessage(name) as DescMessage;
const method = (name: string) =>
  registry.getService("acme.v1.Svc")?.methods.find((m) => m.name === name) as DescMethod;

describe("ts-proto names", () => {
  it("camel-cases snake_case like ts-proto", () => {
    expect(tsProtoCamel("customer_id")).toBe("customerId");
    expect(tsProtoCamel("ORDER_ID")).toBe("orderId");
    expect(tsProtoCamel("already")).toBe("already");
    expect(tsPropertyName(message("acme.v1.Outer").fields[0] as never)).toBe("userID");
  });

  it("joins nested type names with _ and renames built-in names", () => {
    expect(tsTypeName(message("acme.v1.Outer.inner_part"))).toBe("Outer_innerPart");
    expect(tsTypeName(message("acme.v1.Date"))).toBe("DateMessage");
  });

  it("names methods as grpc-js does", () => {
    expect(tsMethodName(method("GetAPIValue"))).toBe("getApiValue");
    expect(tsMethodName(method("Place2Order"))).toBe("place2Order");
  });

  it("puts the contract module beside ts-proto's", () => {
    expect(contractFileName(message("acme.v1.Outer").file)).toBe("acme/v1/names.contract.ts");
  });
});
