"""The DRF renderer that wraps every API payload in the envelope."""

from rest_framework.renderers import JSONRenderer

from authy.api.envelope import error_body, success_body


class EnvelopeRenderer(JSONRenderer):
    """Wrap successes as `data`; errors arrive already enveloped."""

    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is None:
            return super().render(data, accepted_media_type, renderer_context)
        status = response.status_code
        if status >= 400:
            if not (isinstance(data, dict) and data.get("success") is False):
                data = error_body(status=status)
        else:
            data = success_body(
                data,
                status=status,
                message=getattr(response, "message", None),
                meta=getattr(response, "meta", None),
            )
        return super().render(data, accepted_media_type, renderer_context)
