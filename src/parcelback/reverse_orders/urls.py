from django.urls import path, register_converter

from .views import batch, detail, lists, pickup_slip, saved_views, warehouse


class OrderNumberConverter:
    """An order number in a path: no slash, and no control character (NUL reached PostgreSQL and crashed it);
    anything else is left to the lookup, which answers 404."""

    regex = r"[^/\x00-\x1f\x7f]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderNumberConverter, "order_number")

app_name = "orders"

urlpatterns = [
    path("", lists.order_list, name="list"),
    path("export.<str:fmt>", lists.export, name="export"),
    path("exports/", lists.start_export, name="start_export"),
    path("exports/<int:job_id>/", lists.export_job, name="export_job"),
    path("exports/<int:job_id>/download/", lists.export_download, name="export_download"),
    path("views/", saved_views.saved_views, name="saved_views"),
    path("views/<int:view_id>/rename/", saved_views.rename_view, name="rename_view"),
    path("views/<int:view_id>/delete/", saved_views.delete_view, name="delete_view"),
    path("batch/pickup/", batch.batch_pickup, name="batch_pickup"),
    path("batch/pickup/done/", batch.pickup_done, name="pickup_done"),
    path("batch/pickup/done/slip/", pickup_slip.pickup_slip, name="pickup_slip"),
    path("batch/destroy/", batch.batch_destroy, name="batch_destroy"),
    path("batch/accept/", batch.batch_accept, name="batch_accept"),
    path("queue/", warehouse.queue, name="queue"),
    path("new/", warehouse.create_order, name="create"),
    path("import/", warehouse.import_orders, name="import"),
    path("import/template.csv", warehouse.import_template, name="import_template"),
    path("<order_number:number>/", detail.order_detail, name="detail"),
    path("<order_number:number>/arrival/", warehouse.record_arrival, name="arrival"),
    path("<order_number:number>/handover/", detail.hand_over, name="hand_over"),
    path("<order_number:number>/pickup-code/", detail.reissue_pickup_code, name="reissue_pickup_code"),
    path("<order_number:number>/pickup-code/new/", detail.pickup_code_reissued, name="pickup_code_reissued"),
    path("<order_number:number>/pickup-code/new/slip/", pickup_slip.pickup_slip, name="pickup_code_reissued_slip"),
    path("<order_number:number>/forward/", detail.forward, name="forward"),
    path("<order_number:number>/destroy/", detail.destroy, name="destroy"),
    path("<order_number:number>/cancel/", detail.cancel, name="cancel"),
    path("<order_number:number>/exceptions/", detail.raise_exception, name="raise_exception"),
    path("<order_number:number>/exceptions/<int:exception_id>/comment/", detail.comment_exception, name="comment_exception"),
    path("<order_number:number>/exceptions/<int:exception_id>/resolve/", detail.resolve_exception, name="resolve_exception"),
    path("<order_number:number>/acceptance/", detail.accept_execution, name="accept_execution"),
    path("<order_number:number>/acceptance/dispute/", detail.dispute_execution, name="dispute_execution"),
    path("<order_number:number>/evidence/<int:evidence_id>/", detail.evidence, name="evidence"),
    path(
        "<order_number:number>/exceptions/<int:exception_id>/files/<int:file_id>/", detail.exception_file,
        name="exception_file",
    ),
]
