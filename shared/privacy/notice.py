"""The privacy notice (RGPD art. 13) of the portal's "Informatique et libertés" page, written
from the retention table: the durations it states are the ones the DPO set.

The agency completes what only it knows (its name, its DPO's address) by passing them in; the
gateway renders the Markdown (or serves ``docs/privacy-notice.md``, the text with the defaults).

>>> privacy_notice().splitlines()[0]
'# Informatique et libertés'
"""

from __future__ import annotations

from typing import Any

from .retention import TABLE

CONTROLLER = "[nom et adresse de votre Caf]"
DPO_CONTACT = "[adresse du délégué à la protection des données de votre Caf]"


def retention_lines(settings: Any = None) -> list[str]:
    """``- <label> : <durée>`` for each row, with the durations set in ``settings``.

    >>> retention_lines()[1]
    '- Adresse IP et navigateur de chaque connexion ou tentative refusée : 6 mois'
    """
    return [f"- {row.label} : {row.kept_for(_settings_for(row, settings))}" for row in TABLE]


def _settings_for(row: Any, settings: Any) -> Any:
    # A service's settings carry only its own rows' fields (lockout's ladder is lockout's).
    if settings is not None and row.setting_field and hasattr(settings, row.setting_field):
        return settings
    return None


def privacy_notice(
    settings: Any = None, controller: str = CONTROLLER, dpo_contact: str = DPO_CONTACT
) -> str:
    """The notice as Markdown, French, with the durations of ``settings`` (defaults if None).

    >>> "30 jours" in privacy_notice()
    True
    """
    kept = "\n".join(retention_lines(settings))
    return f"""# Informatique et libertés

## Qui traite vos données ?

{controller} est responsable du traitement « Connexion à la personne », qui vous permet
d'accéder à Mon Compte avec votre numéro de Sécurité sociale (ou un identifiant provisoire) et
votre mot de passe, ou par FranceConnect.

## Pourquoi et sur quelle base ?

Vos données servent à créer votre compte, à vous connecter, à protéger votre compte contre les
tentatives d'accès frauduleuses, à vous envoyer vos codes et alertes, et à permettre à votre
conjoint d'agir sur le dossier si vous l'y autorisez (délégation de gestion). Ce traitement est
nécessaire à la mission d'intérêt public de la Caf (article 6-1-e du RGPD). L'utilisation du
numéro de Sécurité sociale est encadrée par le décret n° 2019-341.

## Quelles données ?

Votre identifiant, votre état civil, vos coordonnées (courriel, téléphone, adresse), votre mot
de passe sous forme chiffrée (la Caf ne le connaît pas), la date, le moyen et le résultat de vos
connexions, l'adresse IP et le navigateur utilisés, les messages qui vous ont été envoyés.

## Qui les reçoit ?

Les agents de la Caf habilités, et pour l'envoi des messages nos sous-traitants : le relais de
courriel, la passerelle SMS et le service d'impression des courriers. Si vous vous connectez par
FranceConnect, le fournisseur d'identité que vous choisissez. Vos données ne quittent pas
l'Union européenne.

## Combien de temps ?

{kept}

Passé ce délai, ces données deviennent illisibles pour tous, y compris dans les sauvegardes
après leur renouvellement. La rubrique « Mon historique » ne montre que ce qui est encore
conservé.

## Vos droits

Vous pouvez accéder à vos données, les faire rectifier, demander leur effacement ou la
limitation de leur traitement, et vous opposer à leur traitement pour des raisons tenant à
votre situation particulière. Écrivez au délégué à la protection des données : {dpo_contact}.

Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez
adresser une réclamation à la CNIL (www.cnil.fr).
"""


def privacy_notice_sections(
    settings: Any = None, controller: str = CONTROLLER, dpo_contact: str = DPO_CONTACT
) -> list[dict[str, Any]]:
    """The same notice as data for an HTML template (the text stays plain: let the template
    escape it): ``[{"title": "Qui traite vos données ?", "blocks": [{"paragraph": "…"} |
    {"items": ["…", …]}]}]``.

    >>> privacy_notice_sections()[4]["blocks"][0]["items"][-1]
    'Actions des agents de la Caf sur votre compte (qui, pourquoi) : 5 ans'
    """
    text = privacy_notice(settings, controller, dpo_contact)
    sections = []
    for chunk in text.split("\n## ")[1:]:
        title, _, body = chunk.partition("\n")
        blocks: list[dict[str, Any]] = []
        for block in body.strip().split("\n\n"):
            lines = block.splitlines()
            if all(line.startswith("- ") for line in lines):
                blocks.append({"items": [line[2:] for line in lines]})
            else:
                blocks.append({"paragraph": " ".join(lines)})
        sections.append({"title": title.strip(), "blocks": blocks})
    return sections
