from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reverse_orders', '0004_list_and_queue_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='exportjob',
            name='state',
            field=models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed'), ('expired', 'Expired')], default='pending', max_length=10),
        ),
    ]
