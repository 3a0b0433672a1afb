"""What the shop sold: imported orders and the order files they come from (issue 13, floor 2).

:mod:`sales.readers` holds the pure order-file readers (Shopify, WooCommerce, the Plannerist
template, order lines of any layout), with no Django import. Like every app of this floor,
``sales`` imports only :mod:`plannerist`.
"""
