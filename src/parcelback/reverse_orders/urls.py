from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("export.<str:fmt>", views.export, name="export"),
    path("exports/", views.start_export, name="start_export"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/download/", views.export_download, name="export_download"),
    path("batch/pickup/", views.batch_pickup, name="batch_pickup"),
    path("batch/pickup/done/", views.pickup_done, name="pickup_done"),
    path("batch/destroy/", views.batch_destroy, name="batch_destroy"),
    path("queue/", views.queue, name="queue"),
    path("new/", views.create_order, name="create"),
    path("import/", views.import_orders, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/arrival/", views.record_arrival, name="arrival"),
    path("<str:number>/handover/", views.hand_over, name="hand_over"),
    path("<str:number>/forward/", views.forward, name="forward"),
    path("<str:number>/destroy/", views.destroy, name="destroy"),
    path("<str:number>/cancel/", views.cancel, name="cancel"),
    path("<str:number>/exceptions/", views.raise_exception, name="raise_exception"),
    path("<str:number>/exceptions/<int:exception_id>/comment/", views.comment_exception, name="comment_exception"),
    path("<str:number>/exceptions/<int:exception_id>/resolve/", views.resolve_exception, name="resolve_exception"),
    path("<str:number>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
