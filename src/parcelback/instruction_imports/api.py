from ninja import Router

router = Router(tags=["instruction-imports"])
