from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('webhooks', '0003_waiting_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='outboxmessage',
            index=models.Index(fields=['created_at'], name='outbox_created'),
        ),
        migrations.AddIndex(
            model_name='webhookdelivery',
            index=models.Index(fields=['retry_until'], name='webhook_delivery_retry_until'),
        ),
    ]
