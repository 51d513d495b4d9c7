import importlib
import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from parcelback.contacts.models import Contact
from parcelback.core.api import ApiCode
from parcelback.core.errors import Code
from parcelback.instruction_imports.models import InstructionImport
from parcelback.reverse_orders.models import BusinessMode, ExceptionState, Execution, OrderException, PickupMethod, ReverseType, Status
from parcelback.reverse_orders.states import Action, refusal_codes
from parcelback.webhooks.models import EVENT_TYPES, WebhookDelivery

from ..factories import ReverseOrderFactory
from ..conftest import token_for
from ..helpers import PREFIX


@pytest.fixture
def document(db) -> dict:
    response = Client().get(PREFIX + "/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_lists_every_route_and_refusal_code(db):
    response = Client().get(PREFIX + "/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Parcelback API"
    assert {"/api/v1/reverse-orders", "/api/v1/pickup-registrations", "/api/v1/webhook-endpoints"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    description = schema["info"]["description"]
    for code in [*Code, *ApiCode]:
        assert f"`{code}`" in description


def test_inputs_forbid_unknown_fields_in_the_schema(db):
    schemas = Client().get(PREFIX + "/openapi.json").json()["components"]["schemas"]
    assert schemas["SelfPickupRegistration"]["additionalProperties"] is False
    assert schemas["ForwardRegistration"]["additionalProperties"] is False
    assert schemas["NewOrderIn"]["additionalProperties"] is False


def test_interactive_docs_page_is_served(db):
    response = Client().get(PREFIX + "/docs")
    assert response.status_code == 200 and b"swagger" in response.content.lower()


def test_document_is_valid_openapi(document):
    validate(document)  # raises on the first problem
    assert document["openapi"].startswith("3.1")


# operationId → (method, path): the names generated clients call, stable from now on (add, never rename).
OPERATIONS = {
    "list_reverse_orders": ("get", "/reverse-orders"),
    "create_reverse_orders": ("post", "/reverse-orders"),
    "reverse_order_stats": ("get", "/reverse-orders/stats"),
    "get_reverse_order": ("get", "/reverse-orders/{number}"),
    "register_pickup": ("post", "/pickup-registrations"),
    "reissue_pickup_code": ("post", "/reverse-orders/{number}/pickup-code"),
    "confirm_destruction": ("post", "/destruction-confirmations"),
    "answer_executions": ("post", "/execution-acceptances"),
    "reply_with_evidence": ("post", "/reverse-orders/{number}/exceptions/{exception_id}/evidence"),
    "record_arrivals": ("post", "/arrivals"),
    "hand_over": ("post", "/reverse-orders/{number}/handover"),
    "forward_order": ("post", "/reverse-orders/{number}/forwarding"),
    "destroy_order": ("post", "/reverse-orders/{number}/destruction"),
    "cancel_order": ("post", "/reverse-orders/{number}/cancel"),
    "raise_exception": ("post", "/reverse-orders/{number}/exceptions"),
    "comment_exception": ("post", "/reverse-orders/{number}/exceptions/{exception_id}/comments"),
    "resolve_exception": ("post", "/reverse-orders/{number}/exceptions/{exception_id}/resolve"),
    "create_webhook_endpoint": ("post", "/webhook-endpoints"),
    "list_webhook_endpoints": ("get", "/webhook-endpoints"),
    "get_webhook_endpoint": ("get", "/webhook-endpoints/{endpoint_id}"),
    "delete_webhook_endpoint": ("delete", "/webhook-endpoints/{endpoint_id}"),
    "rotate_webhook_secret": ("post", "/webhook-endpoints/{endpoint_id}/rotate-secret"),
    "list_webhook_deliveries": ("get", "/webhook-endpoints/{endpoint_id}/deliveries"),
    "redeliver_webhook": ("post", "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver"),
    "list_notifications": ("get", "/notifications"),
    "mark_notifications_read": ("post", "/notifications/read"),
    "list_contacts": ("get", "/contacts"),
    "create_contact": ("post", "/contacts"),
    "delete_contact": ("delete", "/contacts/{contact_id}"),
    "import_instructions": ("post", "/instruction-imports"),
    "get_instruction_import": ("get", "/instruction-imports/{import_id}"),
}


def operations(document) -> dict:
    return {
        operation["operationId"]: (method, path.removeprefix(PREFIX))
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def test_every_operation_has_its_stable_verb_noun_id(document):
    assert operations(document) == OPERATIONS


def test_every_operation_is_tagged_with_its_resource(document):
    tags = {operation["operationId"]: operation["tags"] for methods in document["paths"].values() for operation in methods.values()}
    assert tags["list_reverse_orders"] == tags["hand_over"] == ["reverse-orders"]
    assert tags["register_pickup"] == ["pickup-registrations"]
    assert tags["comment_exception"] == ["exceptions"]
    assert tags["redeliver_webhook"] == ["webhook-endpoints"]
    assert all(len(t) == 1 for t in tags.values())


def refusals(document, operation_id: str) -> list[str]:
    """The codes an operation's description ends with ("Refusal codes: `a`, `b`")."""
    method, path = OPERATIONS[operation_id]
    *_, last = document["paths"][PREFIX + path][method]["description"].splitlines()
    assert last.startswith("Refusal codes: "), (operation_id, last)
    return re.findall(r"`(\w+)`", last)


def test_every_operation_lists_the_real_codes_it_may_refuse_with(document):
    known = {str(code) for code in [*Code, *ApiCode]}
    for operation_id, (method, _path) in OPERATIONS.items():
        codes = refusals(document, operation_id)
        assert len(codes) == len(set(codes)) and set(codes) <= known, operation_id
        assert {ApiCode.UNAUTHENTICATED, ApiCode.RATE_LIMITED} <= set(codes), operation_id
        assert (ApiCode.IDEMPOTENCY_KEY_REUSED in codes) == (method == "post"), operation_id


# operationId → the action whose rule in `states` it carries out.
ACTIONS = {
    "register_pickup": Action.REGISTER_PICKUP, "confirm_destruction": Action.CONFIRM_DESTRUCTION,
    "record_arrivals": Action.RECORD_ARRIVAL, "hand_over": Action.HAND_OVER, "reissue_pickup_code": Action.REISSUE_PICKUP_CODE,
    "forward_order": Action.FORWARD, "destroy_order": Action.DESTROY, "cancel_order": Action.CANCEL,
    "raise_exception": Action.RAISE_EXCEPTION, "comment_exception": Action.COMMENT_EXCEPTION,
    "resolve_exception": Action.RESOLVE_EXCEPTION, "answer_executions": Action.DISPUTE_EXECUTION,
    "reply_with_evidence": Action.COMMENT_EXCEPTION,
}


@pytest.mark.parametrize("operation_id", ACTIONS)
def test_order_actions_list_every_refusal_of_their_rule(document, operation_id):
    assert set(refusal_codes(ACTIONS[operation_id])) <= set(refusals(document, operation_id))


def test_order_actions_list_their_own_refusals_and_not_others(document):
    register, confirm, hand_over = (set(refusals(document, o)) for o in ("register_pickup", "confirm_destruction", "hand_over"))
    assert {Code.ALREADY_REGISTERED, Code.WRONG_STATUS, Code.NOT_PERMITTED, Code.WRONG_REVERSE_TYPE, Code.BATCH_REFUSED,
            Code.DUPLICATE_IN_BATCH, Code.MIXED_WAREHOUSES, Code.CONFIRMATION_REQUIRED} <= register
    assert {Code.ALREADY_CONFIRMED, Code.CONFIRMATION_REQUIRED, Code.BATCH_REFUSED} <= confirm
    assert {Code.PICKUP_CODE_MISMATCH, Code.PICKUP_CODE_LOCKED, Code.NOT_ARRIVED, ApiCode.PRECONDITION_FAILED} <= hand_over
    assert Code.ALREADY_CONFIRMED not in register and Code.ALREADY_REGISTERED not in confirm | hand_over
    assert ApiCode.PRECONDITION_FAILED not in register  # a batch has no If-Match


def test_refusal_codes_end_the_docstring_the_route_already_had(document):
    description = document["paths"][PREFIX + "/reverse-orders/{number}/pickup-code"]["post"]["description"]
    assert description.startswith("A new self-pickup code for every order of this order's registration still awaiting")
    assert "\n\nRefusal codes: `invalid`, `not_found`, `not_permitted`, " in description


# component name → the values it enumerates, from the one place each is declared.
ENUMERATIONS = {
    "ReverseType": ReverseType.values,
    "Status": Status.values,
    "PickupMethod": PickupMethod.values,
    "ExceptionState": ExceptionState.values,
    "BusinessMode": BusinessMode.values,
    "ExceptionType": OrderException.Type.values,
    "ExecutionKind": Execution.Kind.values,
    "Action": [str(a) for a in Action],
    "Code": [str(c) for c in [*Code, *ApiCode]],
    "EventType": EVENT_TYPES,
    "DeliveryState": WebhookDelivery.State.values,
    "ContactKind": Contact.Kind.values,
    "ImportStatus": InstructionImport.Status.values,
}


def walk(node):
    """Every schema object (dict) in the document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_enumerations_are_named_components_and_referenced_instead_of_inline(document):
    schemas = document["components"]["schemas"]
    refs = {node["$ref"] for node in walk(document["paths"]) if "$ref" in node}
    refs |= {node["$ref"] for node in walk(schemas) if "$ref" in node}
    for name, values in ENUMERATIONS.items():
        assert schemas[name] == {"enum": list(values), "title": name, "type": "string"}
        assert f"#/components/schemas/{name}" in refs, name
    inline = [node["enum"] for node in walk(document) if "enum" in node and node.get("title") not in ENUMERATIONS]
    assert not [values for values in inline if values in map(list, ENUMERATIONS.values())]


def test_nullable_fields_are_any_of_the_component_and_null(document):
    schemas = document["components"]["schemas"]
    assert schemas["OrderOut"]["properties"]["pickup_method"] == {
        "anyOf": [{"$ref": "#/components/schemas/PickupMethod"}, {"type": "null"}]
    }
    assert schemas["ErrorOut"]["properties"]["code"] == {"$ref": "#/components/schemas/Code"}
    (status,) = [p for p in document["paths"][PREFIX + "/reverse-orders"]["get"]["parameters"] if p["name"] == "status"]
    assert status["schema"] == {"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]}


def test_pickup_registration_is_a_union_of_one_named_schema_per_method(document):
    body = document["paths"][PREFIX + "/pickup-registrations"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    union = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    refs = {"self_pickup": "#/components/schemas/SelfPickupRegistration", "forward": "#/components/schemas/ForwardRegistration"}
    assert union == {"oneOf": [{"$ref": ref} for ref in refs.values()], "discriminator": {"propertyName": "method", "mapping": refs}}
    schemas = document["components"]["schemas"]
    assert schemas["SelfPickupRegistration"]["required"] == ["orders", "method", "self_pickup"]
    assert schemas["ForwardRegistration"]["required"] == ["orders", "method", "forward"]
    assert schemas["SelfPickupRegistration"]["properties"]["method"]["const"] == "self_pickup"


def test_destruction_confirmation_documents_confirm_as_required_true(document):
    schema = document["components"]["schemas"]["DestructionConfirmationIn"]
    assert "confirm" in schema["required"]
    assert schema["properties"]["confirm"] == {
        "const": True, "description": "must be true: destruction is irreversible", "title": "Confirm", "type": "boolean"
    }


def conforms(document, name: str, body: dict) -> bool:
    validator = OAS31Validator({"components": document["components"], "$ref": f"#/components/schemas/{name}"})
    return validator.is_valid(body)


FORWARD = {
    "recipient_name": "李四", "recipient_phone": "13900000000", "country": "中国", "province": "浙江省",
    "city": "杭州市", "district": "西湖区", "street": "文三路 100 号", "postcode": "310000",
}


def test_each_documented_variant_registers_as_the_same_body_always_did(document, api, world):
    """The wire format is unchanged: a typed client's variant is the body integrators have always sent."""
    picked, forwarded = (ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(2))
    self_pickup = {"orders": [picked.number], "method": "self_pickup", "self_pickup": {
        "expected_pickup_at": (timezone.now() + timedelta(days=2)).isoformat(), "picker_name": "王小明",
        "picker_phone": "13800000000"}, "remark": "前台取件"}
    forward = {"orders": [forwarded.number], "method": "forward", "forward": FORWARD}
    assert conforms(document, "SelfPickupRegistration", self_pickup) and conforms(document, "ForwardRegistration", forward)
    assert not conforms(document, "ForwardRegistration", self_pickup)
    for body in (self_pickup, forward):
        assert api(world.merchant1).post("/pickup-registrations", body).status_code == 201


def test_a_body_outside_both_variants_is_still_refused(document, api, world):
    """What the document rules out (the other method's details) the server refuses, as before; nothing is written."""
    order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    body = {"orders": [order.number], "method": "self_pickup", "forward": FORWARD}
    assert not conforms(document, "PickupRegistrationIn", body)
    response = api(world.merchant1).post("/pickup-registrations", body)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert response.json()["errors"] == {"forward": "mixed_methods", "self_pickup": "required"}
    order.refresh_from_db()
    assert order.status == Status.AWAITING_INSTRUCTION


def generate_client(document: dict, folder: Path, monkeypatch) -> None:
    """The Python client openapi-python-client generates from the document (any warning fails), importable as
    `parcelback_client`."""
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.yaml").write_text('{"post_hooks": []}')  # no formatter run over the generated code
    generator = Path(sys.executable).with_name("openapi-python-client")
    run = subprocess.run(
        [generator, "generate", "--path", folder / "openapi.json", "--config", folder / "config.yaml", "--meta", "none",
         "--output-path", folder / "parcelback_client", "--fail-on-warning"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0 and "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    monkeypatch.syspath_prepend(str(folder))


def forget_client() -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == "parcelback_client"]:
        del sys.modules[name]


@pytest.fixture
def generated(document, tmp_path, monkeypatch):
    generate_client(document, tmp_path, monkeypatch)
    yield importlib.import_module("parcelback_client.models")
    forget_client()


def test_generated_python_client_speaks_the_api_with_typed_models(generated, api, world):
    """One typed class per registration variant, enums as enums, the error body typed: the calls an integrator writes."""
    models = generated
    order, other = (ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(2))
    body = models.SelfPickupRegistration(
        orders=[order.number], method="self_pickup",
        self_pickup=models.SelfPickupIn(
            expected_pickup_at=timezone.now() + timedelta(days=2), picker_name="王小明", picker_phone="13800000000"
        ),
    )
    client = api(world.merchant1)
    response = client.post("/pickup-registrations", body.to_dict())
    assert response.status_code == 201
    assert models.RegisteredOut.from_dict(response.json()).orders == [order.number]

    detail = models.OrderDetailOut.from_dict(client.get(f"/reverse-orders/{order.number}").json())
    assert (detail.status, detail.pickup_method) == (models.Status.AWAITING_PICKUP, models.PickupMethod.SELF_PICKUP)
    assert detail.available_actions and all(isinstance(a, models.Action) for a in detail.available_actions)

    again = client.post("/pickup-registrations", body.to_dict())
    error = models.ErrorOut.from_dict(again.json())
    assert (again.status_code, error.code) == (409, models.Code.ALREADY_REGISTERED)
    assert [(r.order, r.code) for r in error.refused] == [(order.number, models.Code.ALREADY_REGISTERED)]

    forward = models.ForwardRegistration(orders=[other.number], method="forward", forward=models.ForwardIn(**FORWARD))
    assert client.post("/pickup-registrations", forward.to_dict()).status_code == 201


# The main write operations: each request body shows an example (per variant for a union).
EXAMPLED = ["register_pickup", "confirm_destruction", "record_arrivals", "hand_over", "create_reverse_orders",
            "create_webhook_endpoint", "create_contact"]


def component(document, ref: str) -> tuple[str, dict]:
    name = ref.rsplit("/", 1)[-1]
    return name, document["components"]["schemas"][name]


def body_examples(document, operation_id: str) -> dict[str, list]:
    """component name → the examples it carries, for the operation's request body (each variant of a union)."""
    method, path = OPERATIONS[operation_id]
    body = document["paths"][PREFIX + path][method]["requestBody"]["content"]["application/json"]["schema"]
    name, schema = component(document, body["$ref"])
    variants = [component(document, v["$ref"]) for v in schema.get("oneOf", [])] or [(name, schema)]
    return {name: schema.get("examples", []) for name, schema in variants}


@pytest.mark.parametrize("operation_id", EXAMPLED)
def test_request_bodies_carry_examples_valid_under_their_own_schema(document, operation_id):
    found = body_examples(document, operation_id)
    assert found and all(found.values()), found
    for name, examples in found.items():
        assert all(conforms(document, name, example) for example in examples), name


def test_registration_examples_are_one_per_variant_and_valid_as_the_union(document):
    found = body_examples(document, "register_pickup")
    assert {name: [e["method"] for e in examples] for name, examples in found.items()} == {
        "SelfPickupRegistration": ["self_pickup"], "ForwardRegistration": ["forward"]
    }
    assert all(conforms(document, "PickupRegistrationIn", e) for examples in found.values() for e in examples)


def test_error_body_examples_are_valid_error_bodies_with_known_codes(document):
    examples = document["components"]["schemas"]["ErrorOut"]["examples"]
    assert [e["code"] for e in examples] == [Code.BATCH_REFUSED, Code.INVALID]
    assert all(conforms(document, "ErrorOut", example) for example in examples)
    assert examples[0]["refused"][0]["code"] == Code.ALREADY_REGISTERED


# operationId → its main success answer, which carries an example.
ANSWER_EXAMPLES = {"list_reverse_orders": "200", "get_reverse_order": "200", "register_pickup": "201"}


@pytest.mark.parametrize("operation_id", ANSWER_EXAMPLES)
def test_main_answers_carry_examples_valid_under_their_own_schema(document, operation_id):
    method, path = OPERATIONS[operation_id]
    answer = document["paths"][PREFIX + path][method]["responses"][ANSWER_EXAMPLES[operation_id]]
    name, schema = component(document, answer["content"]["application/json"]["schema"]["$ref"])
    assert len(schema["examples"]) == 1
    assert all(conforms(document, name, example) for example in schema["examples"]), name


def test_answer_examples_show_one_order_before_and_after_its_registration(document):
    schemas = document["components"]["schemas"]
    (page,), (detail,), (registered,) = (schemas[n]["examples"] for n in ("OrderPage", "OrderDetailOut", "RegisteredOut"))
    (listed,) = page["results"]
    assert listed["number"] == detail["number"] == registered["orders"][0]
    assert (listed["status"], detail["status"]) == (Status.AWAITING_INSTRUCTION, Status.AWAITING_PICKUP)
    assert [e["kind"] for e in detail["timeline"]] == ["created", "arrived", "pickup_registered"]
    assert schemas["OrderOut"]["examples"] != schemas["OrderDetailOut"]["examples"]  # each its own, not inherited


def json_body_components(document) -> set[str]:
    """Every component an application/json request or response body refers to: directly, as an array's items, or
    as a variant of a union (and the union itself)."""
    names = set()

    def collect(schema: dict) -> None:
        schema = schema.get("items", schema)
        if "$ref" in schema:
            name, target = component(document, schema["$ref"])
            names.add(name)
            for variant in target.get("oneOf", []):
                collect(variant)
        for variant in schema.get("oneOf", []):
            collect(variant)

    for methods in document["paths"].values():
        for operation in methods.values():
            bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
            for body in bodies:
                if "application/json" in body.get("content", {}):
                    collect(body["content"]["application/json"]["schema"])
    return names


def test_every_json_body_component_carries_examples_valid_under_its_own_schema(document):
    names = json_body_components(document)
    assert {"CancelIn", "ReadIn", "OrderOut", "EndpointCreatedOut", "ImportResultOut", "ErrorOut"} <= names
    schemas = document["components"]["schemas"]
    unions = {name for name in names if "oneOf" in schemas[name]}  # its variants carry the examples
    assert not [name for name in names - unions if not schemas[name].get("examples")]
    invalid = [(name, example) for name in names for example in schemas[name].get("examples", [])
               if not conforms(document, name, example)]
    assert not invalid


def test_registration_examples_are_answered_by_the_server_as_valid(document, api, world):
    """The examples are requests the server accepts: with the example's numbers replaced by real orders, they register."""
    for name, (example,) in body_examples(document, "register_pickup").items():
        order = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
        response = api(world.merchant1).post("/pickup-registrations", {**example, "orders": [order.number]})
        assert response.status_code == 201, (name, response.json())


# operationId → (who sends the example, the status it gets in the test world, where its order numbers exist in none).
EXAMPLE_ANSWERS = {
    "confirm_destruction": ("merchant1", 404),
    "record_arrivals": ("provider1", 409),  # a batch of two unknown orders: batch_refused
    "hand_over": ("provider1", 404),
    "create_reverse_orders": ("provider1", 201),
    "create_webhook_endpoint": ("merchant1", 201),
    "create_contact": ("merchant1", 201),
    "forward_order": ("provider1", 404),
    "cancel_order": ("merchant1", 404),
    "raise_exception": ("provider1", 404),
    "comment_exception": ("merchant1", 404),
    "resolve_exception": ("provider1", 404),
    "mark_notifications_read": ("merchant1", 200),
}


@pytest.mark.parametrize("operation_id", EXAMPLE_ANSWERS)
def test_write_examples_are_requests_the_server_accepts_as_valid(document, api, world, operation_id):
    """As sent, an example is never refused for its shape: it is carried out, or its orders are not found."""
    username, status = EXAMPLE_ANSWERS[operation_id]
    _post, path = OPERATIONS[operation_id]
    for examples in body_examples(document, operation_id).values():
        for example in examples:
            response = api(getattr(world, username)).post(path.format(number="RV20250601000123", exception_id=1), example)
            assert response.status_code == status, response.json()


@pytest.mark.django_db(transaction=True)
def test_the_generated_client_runs_a_flow_against_a_live_server(live_server, world, tmp_path, monkeypatch):
    """What an integrator does with the generated client over HTTP: list and follow next_cursor, register 自提 with the
    typed variant, read the detail, and handle a refusal's typed error body."""
    import httpx

    orders = [ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1) for _ in range(3)]
    generate_client(httpx.get(f"{live_server.url}{PREFIX}/openapi.json").json(), tmp_path, monkeypatch)
    try:
        from parcelback_client import AuthenticatedClient
        from parcelback_client.api.pickup_registrations import register_pickup
        from parcelback_client.api.reverse_orders import get_reverse_order, list_reverse_orders
        from parcelback_client.models import Code as CodeOut
        from parcelback_client.models import ErrorOut, SelfPickupIn, SelfPickupRegistration
        from parcelback_client.models import Status as StatusOut

        # A closed client leaves no kept-alive connection holding the live server's database session.
        with AuthenticatedClient(base_url=live_server.url, token=token_for(world.merchant1)) as client:
            first = list_reverse_orders.sync(client=client, status=StatusOut.AWAITING_INSTRUCTION, limit=2)
            second = list_reverse_orders.sync(client=client, status=StatusOut.AWAITING_INSTRUCTION, limit=2, cursor=first.next_cursor)
            listed = [o.number for o in first.results + second.results]
            assert sorted(listed) == sorted(o.number for o in orders) and not second.next_cursor

            body = SelfPickupRegistration(
                orders=listed[:2], method="self_pickup",
                self_pickup=SelfPickupIn(expected_pickup_at=timezone.now() + timedelta(days=2), picker_name="王小明",
                                         picker_phone="13800000000"),
            )
            registered = register_pickup.sync(client=client, body=body)
            assert sorted(registered.orders) == sorted(listed[:2]) and registered.pickup_code
            detail = get_reverse_order.sync(listed[0], client=client)
            assert detail.status == StatusOut.AWAITING_PICKUP

            refused = register_pickup.sync(client=client, body=body)
            assert isinstance(refused, ErrorOut) and refused.code == CodeOut.BATCH_REFUSED
            assert {(r.order, r.code) for r in refused.refused} == {(n, CodeOut.ALREADY_REGISTERED) for n in listed[:2]}
    finally:
        forget_client()
