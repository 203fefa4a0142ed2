from django.urls import path

from palliare.api.access import endpoint

from . import views

urlpatterns = [
    path("data-sets/", endpoint(views.DataSetList), name="data_set_list"),
    path("deliveries/", endpoint(views.DeliveryList), name="delivery_list"),
    path("deliveries/<int:pk>/", endpoint(views.DeliveryDetail), name="delivery_detail"),
]
