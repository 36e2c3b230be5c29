import logging

from shop.models import Customer

log = logging.getLogger(__name__)


def signup(request):
    customer = Customer.objects.create(email=request.POST["email"], phone=request.POST["phone"])
    log.info("new customer %s", customer.email)
    return customer
