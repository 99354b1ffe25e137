"""The claims of the identity stand-in (docs/interop-identity.md): standard ones under scope `profile`,
the population data under scope `citizen`, in the ID token and at /userinfo/ alike."""

from oauth2_provider.oauth2_validators import OAuth2Validator

PROFILE_CLAIMS = ("name", "birthdate", "gender", "phone_number", "email", "address", "kind")
CITIZEN_CLAIMS = ("id_number", "so_dinh_danh", "tax_code", "organization_name", "household_code",
                  "commune_code", "permanent_address", "legal_representative")


def claims_of(data: dict) -> dict:
    """The claims of one seeded person or business (population.population()'s record), blanks left out."""
    claims = {
        "sub": data["subject"],
        "kind": data["kind"],
        "name": data["full_name"],
        "birthdate": data["birth_date"],
        "gender": data["gender"],
        "phone_number": data["phone"],
        "email": data["email"],
        "address": {"formatted": data["permanent_address"], "locality": data["commune_name"],
                    "region": "Thái Nguyên", "country": "VN"},
        "id_number": data["id_number"],
        "so_dinh_danh": data["id_number"],
        "tax_code": data["tax_code"],
        "organization_name": data["organization_name"],
        "household_code": data["household_code"],
        "commune_code": data["commune_code"],
        "permanent_address": data["permanent_address"],
    }
    if data["representative_name"]:
        claims["legal_representative"] = {"name": data["representative_name"],
                                          "id_number": data["representative_id_number"]}
    return {name: value for name, value in claims.items() if value not in ("", None)}


class CitizenValidator(OAuth2Validator):
    oidc_claim_scope = {"sub": "openid", **dict.fromkeys(PROFILE_CLAIMS, "profile"),
                        **dict.fromkeys(CITIZEN_CLAIMS, "citizen")}

    def get_discovery_claims(self, request):
        return ["sub", *PROFILE_CLAIMS, *CITIZEN_CLAIMS]

    def get_additional_claims(self, request):
        person = getattr(request.user, "person", None)
        if person is None:  # an account that is not a seeded person (none is made, but be safe)
            return {"sub": f"user-{request.user.pk}"}
        return claims_of(person.data)
