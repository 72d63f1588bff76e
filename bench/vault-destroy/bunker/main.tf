# A standard vault with force_destroy, in the central (backup) account, on the local emulator.
# scripts/bench.sh destroy applies it, fills the vault with recovery points through the
# emulator's bulk route, then times `terraform destroy`. Counterpart: ../aws.

terraform {
  required_providers {
    backup = { source = "terraform.local/bunker/backup", version = "0.2.0" }
  }
}

variable "endpoint" {
  type    = string
  default = "http://127.0.0.1:4610"
}
variable "central_account_id" { type = string }
variable "vault_name" {
  type    = string
  default = "bench-destroy-bunker"
}

provider "backup" {
  region       = "us-east-1"
  endpoint_url = var.endpoint
  assume_role {
    role_arn = "arn:aws:iam::${var.central_account_id}:role/OrganizationAccountAccessRole"
  }
}

resource "backup_vault" "this" {
  name          = var.vault_name
  force_destroy = true
}
