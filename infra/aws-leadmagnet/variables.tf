variable "region" {
  description = "AWS region of the bucket and the SES identity (the apps' AWS_REGION)."
  type        = string
  default     = "eu-west-3"
}

variable "bucket_name" {
  description = "Private bucket holding the lead-magnet PDFs (the web app's LEAD_MAGNET_BUCKET)."
  type        = string
  default     = "lightandshutter-lead-magnets"
}

variable "guide_object_key" {
  description = "Object key of the guide; must stay under lead-magnets/ (the IAM policy only grants that prefix)."
  type        = string
  default     = "lead-magnets/guide-mariee-sereine.pdf"

  validation {
    condition     = startswith(var.guide_object_key, "lead-magnets/")
    error_message = "guide_object_key must start with lead-magnets/."
  }
}

variable "guide_source_path" {
  description = "Local path of the PDF to upload as the guide; null leaves the object to be uploaded out of band."
  type        = string
  default     = null
}

variable "enable_versioning" {
  description = "Keep previous versions of the guide (a wrong upload can be rolled back)."
  type        = bool
  default     = true
}

variable "noncurrent_version_days" {
  description = "Days a replaced version of an object is kept when versioning is on."
  type        = number
  default     = 90
}

variable "cors_allowed_origins" {
  description = "Origins allowed to GET the guide cross-origin (the web app's public URL and the landing page)."
  type        = list(string)
  default     = ["https://app.lightandshutter.fr", "https://www.lightandshutter.fr"]

  validation {
    condition     = length(var.cors_allowed_origins) > 0 && alltrue([for o in var.cors_allowed_origins : can(regex("^https?://[^/*]+$", o))])
    error_message = "cors_allowed_origins must list scheme://host[:port] origins, without path or wildcard."
  }
}

variable "mail_domain" {
  description = "Domain verified in SES (Easy DKIM); the sender address belongs to it."
  type        = string
  default     = "lightandshutter.fr"
}

variable "mail_from_subdomain" {
  description = "Custom MAIL FROM (Return-Path) subdomain, so that SPF aligns with the From domain for DMARC."
  type        = string
  default     = "mail"
}

variable "from_address" {
  description = "The only From address the app may send with (the worker's LEAD_MAGNET_FROM_EMAIL, without the display name)."
  type        = string
  default     = "guide@lightandshutter.fr"

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+$", var.from_address))
    error_message = "from_address must be a bare email address (no display name)."
  }
}

variable "dmarc_policy" {
  description = "DMARC policy published for mail_domain: none while monitoring, then quarantine or reject."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "quarantine", "reject"], var.dmarc_policy)
    error_message = "dmarc_policy must be none, quarantine or reject."
  }
}

variable "dmarc_report_address" {
  description = "Mailbox receiving DMARC aggregate reports (rua); null publishes no rua tag."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Hosted zone of mail_domain; when set, the DKIM, MAIL FROM and DMARC records are created there. When null, copy them from the dns_records output."
  type        = string
  default     = null
}

variable "app_role_name" {
  description = "Existing IAM role of the web app and the worker (e.g. the ECS task role) to attach the policy to; null attaches nothing."
  type        = string
  default     = null
}

variable "create_app_user" {
  description = "Create an IAM user with the policy attached, for hosts without roles. Its access key is created out of band (never in Terraform state)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default = {
    project = "prospectflow"
    domain  = "lead-magnet"
  }
}
