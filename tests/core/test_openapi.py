from django.test import Client

from parcelback.core.api import ApiCode
from parcelback.core.errors import Code

from ..helpers import PREFIX


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
    assert schemas["PickupRegistrationIn"]["additionalProperties"] is False
    assert schemas["NewOrderIn"]["additionalProperties"] is False


def test_interactive_docs_page_is_served(db):
    response = Client().get(PREFIX + "/docs")
    assert response.status_code == 200 and b"swagger" in response.content.lower()
