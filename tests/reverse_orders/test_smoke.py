from parcelback.reverse_orders import selectors

from ..factories import ReverseOrderFactory


def test_merchant_sees_only_own_shop(world):
    mine = ReverseOrderFactory(shop=world.shop1, warehouse=world.wh_a1)
    ReverseOrderFactory(shop=world.shop2, warehouse=world.wh_a1)
    assert list(selectors.visible_orders(world.merchant1)) == [mine]
