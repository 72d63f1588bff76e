"""Performance fixes to moto that change no behaviour.

moto resolves the account of every request by looking for the access key in the IAM backend of
every known account *and every partition*; that lookup creates the missing IAM backends as it
goes, and with MOTO_IAM_LOAD_MANAGED_POLICIES=true each one loads the ~1,000 AWS managed
policies (about 0.5 s, under moto's global backend lock). With a handful of member accounts the
first call from a new account then stalled the whole server for many seconds. Only IAM backends
that already exist can hold an access key, so the lookup below skips the others.
"""
_installed = False


def install():
    global _installed
    if _installed:
        return
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.iam import models as iam_models

    def get_account_id_from(access_key):
        for account_id, account in list(iam_models.iam_backends.items()):
            for partition in list(account.keys()):
                if access_key in account[partition].access_keys:
                    return account_id
        return DEFAULT_ACCOUNT_ID

    iam_models.get_account_id_from = get_account_id_from
    _installed = True
