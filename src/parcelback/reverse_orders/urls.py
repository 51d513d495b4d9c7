from django.urls import path

from .views import batch, detail, lists, warehouse

app_name = "orders"

urlpatterns = [
    path("", lists.order_list, name="list"),
    path("export.<str:fmt>", lists.export, name="export"),
    path("exports/", lists.start_export, name="start_export"),
    path("exports/<int:job_id>/", lists.export_job, name="export_job"),
    path("exports/<int:job_id>/download/", lists.export_download, name="export_download"),
    path("batch/pickup/", batch.batch_pickup, name="batch_pickup"),
    path("batch/pickup/done/", batch.pickup_done, name="pickup_done"),
    path("batch/destroy/", batch.batch_destroy, name="batch_destroy"),
    path("queue/", warehouse.queue, name="queue"),
    path("new/", warehouse.create_order, name="create"),
    path("import/", warehouse.import_orders, name="import"),
    path("import/template.csv", warehouse.import_template, name="import_template"),
    path("<str:number>/", detail.order_detail, name="detail"),
    path("<str:number>/arrival/", warehouse.record_arrival, name="arrival"),
    path("<str:number>/handover/", detail.hand_over, name="hand_over"),
    path("<str:number>/forward/", detail.forward, name="forward"),
    path("<str:number>/destroy/", detail.destroy, name="destroy"),
    path("<str:number>/cancel/", detail.cancel, name="cancel"),
    path("<str:number>/exceptions/", detail.raise_exception, name="raise_exception"),
    path("<str:number>/exceptions/<int:exception_id>/comment/", detail.comment_exception, name="comment_exception"),
    path("<str:number>/exceptions/<int:exception_id>/resolve/", detail.resolve_exception, name="resolve_exception"),
    path("<str:number>/evidence/<int:evidence_id>/", detail.evidence, name="evidence"),
]
