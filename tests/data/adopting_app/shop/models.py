from django.db import models


class Customer(models.Model):
    email = models.EmailField()
    phone = models.CharField(max_length=32)
    plan = models.CharField(max_length=16)
