// What a TypeScript integrator writes against the types openapi-typescript generates from the API's document.
// `.ci/clients` type-checks it with `tsc --strict`; nothing runs. Each `@ts-expect-error` marks a mistake the
// types must catch: if they grew loose (an `any`, a missing enum), that line would compile and fail the check.
import type { components, operations } from "./schema";

type Schemas = components["schemas"];
type Json<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/json": infer Body } } ? Body : never;

// A 自提 registration: the typed variant, and the union the operation takes.
const selfPickup: Schemas["SelfPickupRegistration"] = {
  orders: ["RO202501010001"],
  method: "self_pickup",
  self_pickup: { expected_pickup_at: "2030-01-02T10:00:00+08:00", picker_name: "王小明", picker_phone: "13800000000" },
  remark: "前台取件",
};
const body: operations["register_pickup"]["requestBody"]["content"]["application/json"] = selfPickup;

// @ts-expect-error the self-pickup variant needs its details
const withoutDetails: Schemas["SelfPickupRegistration"] = { orders: ["RO1"], method: "self_pickup" };
// @ts-expect-error a method is one of the documented ones
const unknownMethod: Schemas["SelfPickupRegistration"] = { ...selfPickup, method: "courier" };

// A list page: typed orders with enumerations, and the cursor of the next page.
function nextCursor(page: Json<"list_reverse_orders", 200>): string | null {
  const statuses: Schemas["Status"][] = page.results.map((order) => order.status);
  const methods: (Schemas["PickupMethod"] | null)[] = page.results.map((order) => order.pickup_method);
  return statuses.length === methods.length ? page.next_cursor : null;
}

// An error body: its `code` is the refusal enumeration, told apart without string guessing.
function isAlreadyRegistered(error: Json<"register_pickup", 409>): boolean {
  const code: Schemas["Code"] = error.code;
  return code === "already_registered" || error.refused.some((refused) => refused.code === "already_registered");
}
// @ts-expect-error a code the API never answers
const unknownCode: Schemas["Code"] = "no_such_code";

export { body, withoutDetails, unknownMethod, nextCursor, isAlreadyRegistered, unknownCode };
