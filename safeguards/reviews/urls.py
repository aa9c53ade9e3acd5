from .urls_assessments import urlpatterns as assessment_patterns
from .urls_deployments import urlpatterns as deployment_patterns

app_name = "reviews"
urlpatterns = deployment_patterns + assessment_patterns
