from quipu_portal.jobs.services import job_progress, job_running_for


def job_indicator(request):
    """The layout's job indicator: the user's running jobs (it polls only while there are some)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    running = list(job_running_for(owner=user)[:3])
    return {
        "job_indicator_template": "jobs/indicator.html",
        "indicator_jobs": [{"job": job, "progress": job_progress(job=job)} for job in running],
    }
