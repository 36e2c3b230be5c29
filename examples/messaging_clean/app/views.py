"""HTTP views of the customer portal and the public website."""

from django.http import JsonResponse

from .models import Customer, MessageRecord
from .services import record_lead, register_account_user, sync_to_crm
from .tasks import deliver, track_signup


def signup(request):
    customer = Customer.objects.get(pk=request.POST["customer_id"])
    user = register_account_user(customer, request.POST["email"], request.POST["full_name"])
    sync_to_crm(user)
    track_signup.delay(user.id, request.POST.get("plan", "free"))
    return JsonResponse({"id": user.id})


def contact_sales(request):
    record_lead(request.POST.get("email"))
    return JsonResponse({"ok": True})


def send_message(request):
    record = MessageRecord.objects.get(pk=request.POST["record_id"])
    deliver.delay(record.id, record.to_number, record.body)
    return JsonResponse({"queued": record.id})
