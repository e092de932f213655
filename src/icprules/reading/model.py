"""Pydantic models of the v1 application document (``format: icprules/application/v1``).

The models check *shape*: which sections exist, what is a mapping and what is a
list. They are deliberately lenient about *values*: a phone number is any string,
a date may still be text. Whether a value is acceptable is the rules' business, so
that a wrong value becomes a located, bilingual finding instead of a model error.
Every field is optional unless the document cannot be understood without it;
"required" in the ICP sense is again a rule, because it depends on the service
type, the operation and the provider.

Unknown keys are kept (``extra="allow"``): the format may be extended by portals,
and nothing the user wrote is dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

FORMAT_V1 = "icprules/application/v1"

# Numbers written without quotes in YAML (``phone: 13800138000``) arrive as int;
# they are identifiers, so take them as text rather than reject the document.
_CONFIG = ConfigDict(extra="allow", coerce_numbers_to_str=True, populate_by_name=True)

Text = str | None
DateOrText = dt.date | str | None
#: An attachment is one file path or several (front and back of an ID card).
AttachmentValue = str | list[str]
Attachments = dict[str, AttachmentValue] | None


class _Model(BaseModel):
    model_config = _CONFIG


class PersonId(_Model):
    """证件: the identity document of a person in charge."""

    type: Text = Field(None, description="证件类型 / ID document type, e.g. resident_id_card")
    number: Text = Field(None, description="证件号码 / document number")
    valid_until: DateOrText = Field(None, description="证件有效期 / a date, or long_term")


class Person(_Model):
    """负责人: a person in charge (of the entity, a website or an APP)."""

    name: Text = Field(None, description="姓名 / name")
    id: PersonId | None = Field(None, description="证件 / identity document")
    phone: Text = Field(None, description="联系电话 / contact phone")
    email: Text = Field(None, description="邮箱 / e-mail")
    emergency_phone: Text = Field(None, description="应急联系电话 / emergency phone")


class Certificate(_Model):
    """主办单位证件: the entity's certificate."""

    type: Text = Field(None, description="证件类型 / certificate type, e.g. business_license")
    number: Text = Field(None, description="证件号码 / certificate number (USCC for a licence)")
    address: Text = Field(None, description="证件住所 / address on the certificate")


class Entity(_Model):
    """主办单位: the entity that files."""

    nature: Text = Field(None, description="单位性质 / nature, e.g. enterprise")
    name: Text = Field(None, description="主办单位名称 / entity name")
    province: Text = Field(None, description="省份 / province (ISO 3166-2:CN code or name)")
    certificate: Certificate | None = None
    principal: Person | None = Field(None, description="主办单位负责人 / person in charge")
    attachments: Attachments = None


class Account(_Model):
    """The access account at the provider."""

    aws_account_id: Text = Field(None, description="亚马逊云科技 Account ID (12 digits)")
    company_name: Text = Field(None, description="账号所属公司 / company the account belongs to")


class PreApproval(_Model):
    """前置审批: one pre-approval document for a content category."""

    category: Text = None
    document: Text = None
    number: Text = None


PrincipalRef = Literal["same_as_entity"] | Person | None


class _Service(_Model):
    name: Text = Field(None, description="名称 / service name")
    domains: list[str] | None = Field(None, description="域名 / domains")
    ips: list[str] | None = Field(None, description="IP地址 / IP addresses")
    languages: list[str] | None = Field(None, description="语种 / languages (CLDR codes)")
    categories: list[str] | None = None
    pre_approvals: list[PreApproval] | None = None
    principal: PrincipalRef = Field(None, description="负责人 / person in charge, or same_as_entity")
    attachments: Attachments = None
    record_number: Text = Field(None, description="备案号 / current record number (changes)")


class Website(_Service):
    type: Literal["website"]


class Platform(_Model):
    """APP特征信息 for one operating system."""

    os: Text = Field(None, description="平台 / android, ios, harmonyos, blackberry, linux")
    package: Text = Field(None, description="APP包名 / package name")
    bundle_id: Text = Field(None, description="Bundle ID (iOS)")
    public_key: Text = Field(None, description="公钥 / signing certificate's RSA modulus, hex")
    signature_md5: Text = Field(None, description="签名MD5 / certificate MD5 (or SHA-1 on iOS)")
    certificate: Text = Field(None, description="signing certificate file (PEM or DER), optional")
    package_file: Text = Field(None, description="the released package (.apk, .ipa, .hap, .app), optional")


class Sdk(_Model):
    name: Text = None
    provider: Text = None
    function: Text = None


class App(_Service):
    type: Literal["app"]
    service_type: Text = Field(None, description="应用服务类型 / APP service type")
    platforms: list[Platform] | None = None
    sdks: list[Sdk] | None = None
    offline: bool | None = Field(None, description="stand-alone APP that never goes online")


class OtherService(_Service):
    """Mini programs and quick apps: accepted so the rules can say where they are filed."""

    type: Literal["mini_program", "quick_app"]


Service = Annotated[Website | App | OtherService, Field(discriminator="type")]


class Application(_Model):
    """An ICP Recordal application, input format v1."""

    format: Literal["icprules/application/v1"]
    operation: Text = Field(None, description="new | change_entity | change_info | change_ip | cancel_*")
    provider: Text = Field(None, description="access provider whose rule set applies, e.g. nwcd")
    submitted_on: DateOrText = Field(None, description="the day the clock of every deadline starts")
    record_number: Text = Field(None, description="current entity record number (changes, cancellations)")
    entity: Entity
    account: Account | None = None
    attachments: Attachments = None
    services: list[Service] = Field(default_factory=list)


def parse_application(data: Any) -> Application:
    """Validate the shape (raises ``pydantic.ValidationError``)."""
    return Application.model_validate(data)
