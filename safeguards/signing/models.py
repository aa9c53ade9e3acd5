"""Office signing certificates. The certificate is public and lives here; its private key is a
file under the data folder (keys.key_path), never in the database."""

from django.db import models


class CertificateSource(models.TextChoices):
    GENERATED = "generated", "Made by Safeguards"
    IMPORTED = "imported", "Imported from PKCS#12"


class SigningCertificate(models.Model):
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="signing_certificates"
    )
    # Names the key file; random, so offices of two installations (or two test databases
    # sharing a folder) never overwrite each other's keys.
    key_id = models.CharField(max_length=32, unique=True)
    certificate_pem = models.TextField()
    subject = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, unique=True)  # of the certificate's DER
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    source = models.CharField(max_length=20, choices=CertificateSource.choices)
    # The one that signs new reports; older ones stay to verify what they signed.
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["office", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["office"],
                condition=models.Q(active=True),
                name="signing_one_active_certificate_per_office",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.sha256[:16]})"
