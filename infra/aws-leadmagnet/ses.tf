# Domain identity with Easy DKIM (three CNAME records, 2048-bit keys rotated by SES).
resource "aws_sesv2_email_identity" "domain" {
  email_identity = var.mail_domain

  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
}

# Return-Path on mail.<domain>: bounces reach SES and SPF passes on a subdomain of the From domain,
# so SPF aligns (relaxed) for DMARC alongside DKIM.
resource "aws_sesv2_email_identity_mail_from_attributes" "domain" {
  email_identity         = aws_sesv2_email_identity.domain.email_identity
  mail_from_domain       = local.mail_from_domain
  behavior_on_mx_failure = "USE_DEFAULT_VALUE"
}

locals {
  mail_from_domain = "${var.mail_from_subdomain}.${var.mail_domain}"
  dkim_tokens      = aws_sesv2_email_identity.domain.dkim_signing_attributes[0].tokens
  dmarc_value = join("; ", compact([
    "v=DMARC1",
    "p=${var.dmarc_policy}",
    var.dmarc_report_address == null ? "" : "rua=mailto:${var.dmarc_report_address}",
    "adkim=r",
    "aspf=r",
  ]))

  # Every record the identity needs, for any DNS provider (also created in Route 53 when a zone is given).
  dns_records = concat(
    [for token in local.dkim_tokens : {
      name  = "${token}._domainkey.${var.mail_domain}"
      type  = "CNAME"
      value = "${token}.dkim.amazonses.com"
    }],
    [
      {
        name  = local.mail_from_domain
        type  = "MX"
        value = "10 feedback-smtp.${var.region}.amazonses.com"
      },
      {
        name  = local.mail_from_domain
        type  = "TXT"
        value = "v=spf1 include:amazonses.com ~all"
      },
      {
        name  = "_dmarc.${var.mail_domain}"
        type  = "TXT"
        value = local.dmarc_value
      },
    ],
  )
}
